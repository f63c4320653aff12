# Export-ExchangeCertificate -BinaryEncoded -Password (the request was made with -PrivateKeyExportable $true), for the other servers: https://learn.microsoft.com/powershell/module/exchange/export-exchangecertificate
$export = Export-ExchangeCertificate -Server {{ps:server}} -Thumbprint $thumb -BinaryEncoded -Password (Read-Host -Prompt {{ps:prompt}} -AsSecureString)
[System.IO.File]::WriteAllBytes({{ps:file}}, $export.FileData)
