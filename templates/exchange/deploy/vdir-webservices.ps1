# Set-WebServicesVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-webservicesvirtualdirectory
Set-WebServicesVirtualDirectory -Identity {{ps:identity}} -InternalUrl {{ps:url}} -ExternalUrl {{ps:url}}
