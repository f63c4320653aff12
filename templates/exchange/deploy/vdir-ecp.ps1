# Set-EcpVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-ecpvirtualdirectory
Set-EcpVirtualDirectory -Identity {{ps:identity}} -InternalUrl {{ps:url}} -ExternalUrl {{ps:url}}
