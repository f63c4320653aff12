# Set-OabVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-oabvirtualdirectory
Set-OabVirtualDirectory -Identity {{ps:identity}} -InternalUrl {{ps:url}} -ExternalUrl {{ps:url}}
