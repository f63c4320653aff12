# Set-MapiVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-mapivirtualdirectory
Set-MapiVirtualDirectory -Identity {{ps:identity}} -InternalUrl {{ps:url}} -ExternalUrl {{ps:url}}
