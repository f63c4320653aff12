# Set-OwaVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-owavirtualdirectory
Set-OwaVirtualDirectory -Identity {{ps:identity}} -InternalUrl {{ps:url}} -ExternalUrl {{ps:url}}
