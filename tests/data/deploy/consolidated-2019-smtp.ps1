# certplan deploy: Contoso (Exchange 2019, consolidated model), at 2027-01-15
# Run in the Exchange Management Shell, one section at a time; each step cites the page it follows.
$ErrorActionPreference = 'Stop'
# plan: R10 warning: windows-mobile-5: windows-mobile-5 support for SHA-256 signatures is UNVERIFIED [at mail.contoso.com]

# ==== Certificate redmond: CN=mail.contoso.com ====

# build redmond.pfx from certplan's redmond.key and the issued chain
# note: redmond.cer is the issued certificate and redmond.chain.pem its intermediates (PEM); redmond.pfx.pass holds the .pfx passphrase on its first line (make it with umask 077); copy redmond.pfx to C:\certplan on each server
# On the admin workstation (POSIX shell):
#   # openssl pkcs12 -export, the passphrase read from a file (never argv): https://docs.openssl.org/3.0/man1/openssl-pkcs12/
#   # SHA1-3DES protection: every Windows Server that runs Exchange reads it (Server 2016 and older cannot read AES-256 PKCS#12).
#   openssl pkcs12 -export -inkey 'redmond.key' -in 'redmond.cer' -certfile 'redmond.chain.pem' -name 'mail.contoso.com' -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout 'file:redmond.pfx.pass' -out 'redmond.pfx'

# ---- On CAS01 (site Redmond) ----

# import redmond.pfx (certificate, chain and key)
# note: redmond.pfx is built from certplan's redmond.key on the admin workstation (step above)
# Import-ExchangeCertificate -FileData -Password: https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Server 'CAS01' -FileData ([System.IO.File]::ReadAllBytes('C:\certplan\redmond.pfx')) -Password (Read-Host -Prompt 'Passphrase of redmond.pfx' -AsSecureString) -PrivateKeyExportable $true
$thumb = $cert.Thumbprint

# bind it to IIS,POP,IMAP,SMTP
# note: with SMTP, Enable-ExchangeCertificate asks whether to overwrite the default SMTP certificate (the self-signed one Exchange servers use for TLS among themselves): answer N to keep it; -Force would answer yes without asking
# Enable-ExchangeCertificate -Services (no -Force: with SMTP, answer N to keep the default internal transport certificate): https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate
Enable-ExchangeCertificate -Server 'CAS01' -Thumbprint $thumb -Services 'IIS,POP,IMAP,SMTP'

# Outlook on the web (OWA) internal and external URL
# Set-OwaVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-owavirtualdirectory
Set-OwaVirtualDirectory -Identity 'CAS01\owa (Default Web Site)' -InternalUrl 'https://mail.contoso.com/owa' -ExternalUrl 'https://mail.contoso.com/owa'

# the admin center and options (ECP) internal and external URL
# Set-EcpVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-ecpvirtualdirectory
Set-EcpVirtualDirectory -Identity 'CAS01\ecp (Default Web Site)' -InternalUrl 'https://mail.contoso.com/ecp' -ExternalUrl 'https://mail.contoso.com/ecp'

# Exchange Web Services internal and external URL
# Set-WebServicesVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-webservicesvirtualdirectory
Set-WebServicesVirtualDirectory -Identity 'CAS01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx' -ExternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'

# the offline address book internal and external URL
# Set-OabVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-oabvirtualdirectory
Set-OabVirtualDirectory -Identity 'CAS01\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB' -ExternalUrl 'https://mail.contoso.com/OAB'

# Exchange ActiveSync internal and external URL
# Set-ActiveSyncVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-activesyncvirtualdirectory
Set-ActiveSyncVirtualDirectory -Identity 'CAS01\Microsoft-Server-ActiveSync (Default Web Site)' -InternalUrl 'https://mail.contoso.com/Microsoft-Server-ActiveSync' -ExternalUrl 'https://mail.contoso.com/Microsoft-Server-ActiveSync'

# MAPI over HTTP (2013 SP1 and later) internal and external URL
# Set-MapiVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-mapivirtualdirectory
Set-MapiVirtualDirectory -Identity 'CAS01\mapi (Default Web Site)' -InternalUrl 'https://mail.contoso.com/mapi' -ExternalUrl 'https://mail.contoso.com/mapi'

# Outlook Anywhere host names
# Set-OutlookAnywhere -ExternalHostname -InternalHostname (Exchange 2013 and later): https://learn.microsoft.com/powershell/module/exchange/set-outlookanywhere
Set-OutlookAnywhere -Identity 'CAS01\Rpc (Default Web Site)' -ExternalHostname 'mail.contoso.com' -InternalHostname 'mail.contoso.com' -ExternalClientsRequireSsl $true -InternalClientsRequireSsl $true

# the autodiscover SCP domain-joined Outlook reads (R2)
# Set-ClientAccessService -AutoDiscoverServiceInternalUri (Exchange 2016 and later): https://learn.microsoft.com/powershell/module/exchange/set-clientaccessservice
Set-ClientAccessService -Identity 'CAS01' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'

# the name POP3 presents over TLS
# Set-PopSettings -X509CertificateName, then restart the service (front end and back end from Exchange 2013): https://learn.microsoft.com/powershell/module/exchange/set-popsettings
Set-PopSettings -Server 'CAS01' -X509CertificateName 'pop.contoso.com'
Get-Service -ComputerName 'CAS01' -Name MSExchangePOP3, MSExchangePOP3BE | Restart-Service

# the name IMAP4 presents over TLS
# Set-ImapSettings -X509CertificateName, then restart the service (front end and back end from Exchange 2013): https://learn.microsoft.com/powershell/module/exchange/set-imapsettings
Set-ImapSettings -Server 'CAS01' -X509CertificateName 'mail.contoso.com'
Get-Service -ComputerName 'CAS01' -Name MSExchangeIMAP4, MSExchangeIMAP4BE | Restart-Service

# the receive and send connectors offer this certificate for STARTTLS
# Set-ReceiveConnector -TlsCertificateName: https://learn.microsoft.com/powershell/module/exchange/set-receiveconnector
# Set-SendConnector -TlsCertificateName: https://learn.microsoft.com/powershell/module/exchange/set-sendconnector
# The value is "<I>issuer<S>subject" of the certificate just imported (read from it, not typed).
$tlsName = "<I>$($cert.Issuer)<S>$($cert.Subject)"
Set-ReceiveConnector -Identity 'CAS01\Default Frontend CAS01' -TlsCertificateName $tlsName
Set-ReceiveConnector -Identity 'CAS01\Client Frontend CAS01' -TlsCertificateName $tlsName
Get-SendConnector | Where-Object { $_.SourceTransportServers.Name -contains 'CAS01' -and 'mail.contoso.com', 'autodiscover.contoso.com', 'pop.contoso.com', 'smtp.contoso.com', 'autodiscover.contoso.co.uk' -contains $_.Fqdn.ToString() } | Set-SendConnector -TlsCertificateName $tlsName

# restart IIS so it serves the new binding
# iisreset /noforce, so IIS serves the newly bound certificate: https://learn.microsoft.com/iis/manage/working-with-web-sites/iisreset
iisreset 'CAS01' /noforce

# remove the certificate this one replaced
# Remove-ExchangeCertificate, once nothing binds the replaced certificate (Services None; asks before each): https://learn.microsoft.com/powershell/module/exchange/remove-exchangecertificate
$replaced = Get-ExchangeCertificate -Server 'CAS01' | Where-Object { $_.Thumbprint -ne $thumb -and $_.Subject -eq $cert.Subject -and $_.Services -eq 'None' }
$replaced | Format-List Thumbprint, Subject, NotAfter, Services
$replaced | ForEach-Object { Remove-ExchangeCertificate -Server 'CAS01' -Thumbprint $_.Thumbprint -Confirm:$true }

# ---- Renewal (redmond) ----
# renew after 133 of 200 days (67-day margin, 33%); 5 issuances in the first year
# ACME with certplan's key: certbot sends redmond.csr:
#   # certbot certonly --csr (certplan's key stays where it is; certbot sends only the request): https://eff-certbot.readthedocs.io/en/stable/using.html#certbot-command-line-options
#   # http-01 must reach this machine for every name: --standalone answers on port 80 (forward /.well-known/acme-challenge/ to it), or use a DNS plugin.
#   certbot certonly --csr 'redmond.csr' --cert-path 'redmond.cer' --chain-path 'redmond.chain.pem' --fullchain-path 'redmond.fullchain.pem' --standalone --non-interactive --agree-tos
# ACME on the Exchange server: win-acme and its Exchange import script:
#   # win-acme with its Exchange import script, the planned names in order (the first is the CN): https://www.win-acme.com/manual/advanced-use/examples/exchange
#   .\wacs.exe --source manual --host 'mail.contoso.com,autodiscover.contoso.com,pop.contoso.com,smtp.contoso.com,autodiscover.contoso.co.uk' --commonname 'mail.contoso.com' --certificatestore My --acl-fullcontrol 'network service,administrators' --installation iis,script --installationsiteid 1 --script '.\Scripts\ImportExchange.v2.ps1' --scriptparameters '''{CertThumbprint}'' ''IIS,POP,IMAP,SMTP'' 1 ''{CacheFile}'' ''{CachePassword}'' ''{CertFriendlyName}'''
# ACME on the Exchange server: Posh-ACME:
#   # Posh-ACME New-PACertificate -Install (LocalMachine\My), then bind it: https://poshac.me/docs/latest/Functions/New-PACertificate/
#   $pa = New-PACertificate -Domain 'mail.contoso.com', 'autodiscover.contoso.com', 'pop.contoso.com', 'smtp.contoso.com', 'autodiscover.contoso.co.uk' -AcceptTOS -Install
#   Enable-ExchangeCertificate -Server 'CAS01' -Thumbprint $pa.Thumbprint -Services 'IIS,POP,IMAP,SMTP'
# renew from the installed certificate (new key, same names):
#   # Renew from the installed certificate (same names, a new key made on the server): https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates
#   $thumb = Read-Host -Prompt 'Thumbprint of the certificate to renew (Get-ExchangeCertificate)'
#   $request = Get-ExchangeCertificate -Server 'CAS01' -Thumbprint $thumb | New-ExchangeCertificate -GenerateRequest
#   [System.IO.File]::WriteAllBytes('C:\certplan\redmond-renewal.req', [System.Text.Encoding]::Unicode.GetBytes($request))
