New-AcceptedDomain -Name {{ps:domain}} -DomainName {{ps:domain}} -DomainType Authoritative
