# Set-PopSettings -X509CertificateName, then restart the service (front end and back end from Exchange 2013): https://learn.microsoft.com/powershell/module/exchange/set-popsettings
Set-PopSettings -Server {{ps:server}} -X509CertificateName {{ps:host}}
Get-Service -ComputerName {{ps:server}} -Name MSExchangePOP3, MSExchangePOP3BE | Restart-Service
