Remove-AcceptedDomain -Identity {{ps:domain}}
