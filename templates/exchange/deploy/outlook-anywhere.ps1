# Set-OutlookAnywhere -ExternalHostname -InternalHostname (Exchange 2013 and later): https://learn.microsoft.com/powershell/module/exchange/set-outlookanywhere
Set-OutlookAnywhere -Identity {{ps:identity}} -ExternalHostname {{ps:host}} -InternalHostname {{ps:host}} -ExternalClientsRequireSsl $true -InternalClientsRequireSsl $true
