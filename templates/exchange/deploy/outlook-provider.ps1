# Set-OutlookProvider EXPR -CertPrincipalName (R16): https://learn.microsoft.com/powershell/module/exchange/set-outlookprovider
Set-OutlookProvider EXPR -CertPrincipalName {{ps:principal}}
