# Import-ExchangeCertificate -FileData -Password: https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Server {{ps:server}} -FileData ([System.IO.File]::ReadAllBytes({{ps:file}})) -Password (Read-Host -Prompt {{ps:prompt}} -AsSecureString) -PrivateKeyExportable $true
$thumb = $cert.Thumbprint
