# Posh-ACME New-PACertificate -Install (LocalMachine\My), then bind it: https://poshac.me/docs/latest/Functions/New-PACertificate/
$pa = New-PACertificate -Domain {{ps:names}} -AcceptTOS -Install
Enable-ExchangeCertificate -Server {{ps:server}} -Thumbprint $pa.Thumbprint -Services {{ps:services}}
