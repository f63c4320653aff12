# Set-PopSettings -X509CertificateName, then restart the service (Exchange 2007 and 2010): https://learn.microsoft.com/powershell/module/exchange/set-popsettings
Set-PopSettings -Server {{ps:server}} -X509CertificateName {{ps:host}}
Get-Service -ComputerName {{ps:server}} -Name MSExchangePOP3 | Restart-Service
