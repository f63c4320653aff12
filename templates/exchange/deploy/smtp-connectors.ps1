# Set-ReceiveConnector -TlsCertificateName: https://learn.microsoft.com/powershell/module/exchange/set-receiveconnector
# Set-SendConnector -TlsCertificateName: https://learn.microsoft.com/powershell/module/exchange/set-sendconnector
# The value is "<I>issuer<S>subject" of the certificate just imported (read from it, not typed).
$tlsName = "<I>$($cert.Issuer)<S>$($cert.Subject)"
Set-ReceiveConnector -Identity {{ps:frontend}} -TlsCertificateName $tlsName
Set-ReceiveConnector -Identity {{ps:client_frontend}} -TlsCertificateName $tlsName
Get-SendConnector | Where-Object { $_.SourceTransportServers.Name -contains {{ps:server}} -and {{ps:names}} -contains $_.Fqdn.ToString() } | Set-SendConnector -TlsCertificateName $tlsName
