# Remove-ExchangeCertificate, once nothing binds the replaced certificate (Services None; asks before each; Exchange 2007: on the server itself): https://learn.microsoft.com/powershell/module/exchange/remove-exchangecertificate
$replaced = Get-ExchangeCertificate | Where-Object { $_.Thumbprint -ne $thumb -and $_.Subject -eq $cert.Subject -and $_.Services -eq 'None' }
$replaced | Format-List Thumbprint, Subject, NotAfter, Services
$replaced | ForEach-Object { Remove-ExchangeCertificate -Thumbprint $_.Thumbprint -Confirm:$true }
