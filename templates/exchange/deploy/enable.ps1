# Enable-ExchangeCertificate -Services (no -Force: with SMTP, answer N to keep the default internal transport certificate): https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate
Enable-ExchangeCertificate -Server {{ps:server}} -Thumbprint $thumb -Services {{ps:services}}
