# Import-ExchangeCertificate -Path (Exchange 2007, seed 003; run on the server itself): https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Path {{ps:file}}
$thumb = $cert.Thumbprint
