# Enable-OutlookAnywhere (Exchange 2010, seed 000; on a server where it is already enabled use Set-OutlookAnywhere -ExternalHostname): https://learn.microsoft.com/powershell/module/exchange/enable-outlookanywhere
Enable-OutlookAnywhere -Server {{ps:server}} -ExternalHostname {{ps:host}} -DefaultAuthenticationMethod Basic -SSLOffloading $false
