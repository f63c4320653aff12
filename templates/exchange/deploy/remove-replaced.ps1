# Remove-ExchangeCertificate, once nothing binds the replaced certificate (Services None; asks before each): https://learn.microsoft.com/powershell/module/exchange/remove-exchangecertificate
$replaced = Get-ExchangeCertificate -Server {{ps:server}} | Where-Object { $_.Thumbprint -ne $thumb -and $_.Subject -eq $cert.Subject -and $_.Services -eq 'None' }
$replaced | Format-List Thumbprint, Subject, NotAfter, Services
$replaced | ForEach-Object { Remove-ExchangeCertificate -Server {{ps:server}} -Thumbprint $_.Thumbprint -Confirm:$true }
