# Posh-ACME New-PACertificate -Install (LocalMachine\My), then bind it; Exchange 2007's certificate cmdlets act on the local server only (no -Server): https://poshac.me/docs/latest/Functions/New-PACertificate/
$pa = New-PACertificate -Domain {{ps:names}} -AcceptTOS -Install
Enable-ExchangeCertificate -Thumbprint $pa.Thumbprint -Services {{ps:services}}
