# Import-ExchangeCertificate -Path -Password (Exchange 2007; run on the server itself): https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Path {{ps:file}} -Password (Read-Host -Prompt {{ps:prompt}} -AsSecureString)
$thumb = $cert.Thumbprint
