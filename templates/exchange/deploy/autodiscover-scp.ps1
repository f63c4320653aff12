# Set-ClientAccessService -AutoDiscoverServiceInternalUri (Exchange 2016 and later): https://learn.microsoft.com/powershell/module/exchange/set-clientaccessservice
Set-ClientAccessService -Identity {{ps:server}} -AutoDiscoverServiceInternalUri {{ps:uri}}
