# Renew from the installed certificate (same names, a new key made on the server): https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates
$thumb = Read-Host -Prompt 'Thumbprint of the certificate to renew (Get-ExchangeCertificate)'
$request = Get-ExchangeCertificate -Server {{ps:server}} -Thumbprint $thumb | New-ExchangeCertificate -GenerateRequest
[System.IO.File]::WriteAllBytes({{ps:file}}, [System.Text.Encoding]::Unicode.GetBytes($request))
