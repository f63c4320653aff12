# Renew from the installed certificate (same names, a new key; Exchange 2007 and 2010 write the request with -Path, on the server itself): https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates
$thumb = Read-Host -Prompt 'Thumbprint of the certificate to renew (Get-ExchangeCertificate)'
Get-ExchangeCertificate -Thumbprint $thumb | New-ExchangeCertificate -GenerateRequest -Path {{ps:file}}
