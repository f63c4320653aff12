# Set-ImapSettings -X509CertificateName, then restart the service (front end and back end from Exchange 2013): https://learn.microsoft.com/powershell/module/exchange/set-imapsettings
Set-ImapSettings -Server {{ps:server}} -X509CertificateName {{ps:host}}
Get-Service -ComputerName {{ps:server}} -Name MSExchangeIMAP4, MSExchangeIMAP4BE | Restart-Service
