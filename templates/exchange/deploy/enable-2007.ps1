# Enable-ExchangeCertificate -Services (Exchange 2007, seed 003; run on the server itself; no -Force: with SMTP, answer N to keep the default internal transport certificate): https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate
Enable-ExchangeCertificate -Thumbprint $thumb -Services {{ps:services}}
