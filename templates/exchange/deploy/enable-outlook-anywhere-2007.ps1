# Enable-OutlookAnywhere (Exchange 2007, white paper "Configuring Outlook Anywhere"): https://learn.microsoft.com/powershell/module/exchange/enable-outlookanywhere
Enable-OutlookAnywhere -Server {{ps:server}} -ExternalHostname {{ps:host}} -ExternalAuthenticationMethod Basic -SSLOffloading:$false
