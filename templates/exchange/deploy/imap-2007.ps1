# Set-ImapSettings -X509CertificateName, then restart the service (Exchange 2007 and 2010): https://learn.microsoft.com/powershell/module/exchange/set-imapsettings
Set-ImapSettings -Server {{ps:server}} -X509CertificateName {{ps:host}}
Get-Service -ComputerName {{ps:server}} -Name MSExchangeIMAP4 | Restart-Service
