New-Organization -Name {{ps:name}} -DomainName {{ps:domain}} -Location en-US -ProgramID HostingSample -OfferID 2 -AdministratorPassword (Get-Credential).Password
