# Set-ClientAccessServer -AutoDiscoverServiceInternalUri (Exchange 2007-2013; white paper "Modify the Service Connection Point Object"): https://learn.microsoft.com/powershell/module/exchange/set-clientaccessserver
Set-ClientAccessServer -Identity {{ps:server}} -AutoDiscoverServiceInternalUri {{ps:uri}}
