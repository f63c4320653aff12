# Import-ExchangeCertificate -FileData: https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Server {{ps:server}} -FileData ([System.IO.File]::ReadAllBytes({{ps:file}}))
$thumb = $cert.Thumbprint
