# certplan deploy: Contoso Inc (Exchange 2007, consolidated model), at 2027-01-15
# Run in the Exchange Management Shell, one section at a time; each step cites the page it follows.
$ErrorActionPreference = 'Stop'
# plan: R10 warning: windows-mobile-6: windows-mobile-6 support for SHA-256 signatures is UNVERIFIED [at mail.contoso.com, autodiscover.contoso.com]

# ==== Certificate default-first-site-name: CN=mail.contoso.com ====

# build default-first-site-name.pfx from certplan's default-first-site-name.key and the issued chain
# note: default-first-site-name.cer is the issued certificate and default-first-site-name.chain.pem its intermediates (PEM); default-first-site-name.pfx.pass holds the .pfx passphrase on its first line (make it with umask 077); copy default-first-site-name.pfx to C:\certplan on each server
# On the admin workstation (POSIX shell):
#   # openssl pkcs12 -export, the passphrase read from a file (never argv): https://docs.openssl.org/3.0/man1/openssl-pkcs12/
#   # SHA1-3DES protection: every Windows Server that runs Exchange reads it (Server 2016 and older cannot read AES-256 PKCS#12).
#   openssl pkcs12 -export -inkey 'default-first-site-name.key' -in 'default-first-site-name.cer' -certfile 'default-first-site-name.chain.pem' -name 'mail.contoso.com' -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout 'file:default-first-site-name.pfx.pass' -out 'default-first-site-name.pfx'

# ---- On SERVER01 (site Default-First-Site-Name) ----

# import default-first-site-name.pfx (certificate, chain and key)
# note: default-first-site-name.pfx is built from certplan's default-first-site-name.key on the admin workstation (step above)
# note: Exchange 2007's certificate cmdlets act on the local server: run this on SERVER01
# Import-ExchangeCertificate -Path -Password (Exchange 2007; run on the server itself): https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Path 'C:\certplan\default-first-site-name.pfx' -Password (Read-Host -Prompt 'Passphrase of default-first-site-name.pfx' -AsSecureString)
$thumb = $cert.Thumbprint

# bind it to IIS,SMTP
# note: with SMTP, Enable-ExchangeCertificate asks whether to overwrite the default SMTP certificate (the self-signed one Exchange servers use for TLS among themselves): answer N to keep it; -Force would answer yes without asking
# Enable-ExchangeCertificate -Services (Exchange 2007, seed 003; run on the server itself; no -Force: with SMTP, answer N to keep the default internal transport certificate): https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate
Enable-ExchangeCertificate -Thumbprint $thumb -Services 'IIS,SMTP'

# Outlook on the web (OWA) internal and external URL
# Set-OwaVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-owavirtualdirectory
Set-OwaVirtualDirectory -Identity 'SERVER01\owa (Default Web Site)' -InternalUrl 'https://mail.contoso.com/owa' -ExternalUrl 'https://mail.contoso.com/owa'

# Exchange Web Services internal and external URL
# Set-WebServicesVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-webservicesvirtualdirectory
Set-WebServicesVirtualDirectory -Identity 'SERVER01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx' -ExternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'

# the offline address book internal and external URL
# Set-OabVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-oabvirtualdirectory
Set-OabVirtualDirectory -Identity 'SERVER01\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB' -ExternalUrl 'https://mail.contoso.com/OAB'

# Exchange ActiveSync internal and external URL
# Set-ActiveSyncVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-activesyncvirtualdirectory
Set-ActiveSyncVirtualDirectory -Identity 'SERVER01\Microsoft-Server-ActiveSync (Default Web Site)' -InternalUrl 'https://mail.contoso.com/Microsoft-Server-ActiveSync' -ExternalUrl 'https://mail.contoso.com/Microsoft-Server-ActiveSync'

# Outlook Anywhere (RPC over HTTP) on this server
# Enable-OutlookAnywhere (Exchange 2007 SP1 and later: -DefaultAuthenticationMethod replaced RTM's -ExternalAuthenticationMethod; white paper "Configuring Outlook Anywhere"): https://learn.microsoft.com/previous-versions/office/exchange-server-2007/bb123513(v=exchg.80)
Enable-OutlookAnywhere -Server 'SERVER01' -ExternalHostname 'mail.contoso.com' -DefaultAuthenticationMethod Basic -SSLOffloading:$false

# the autodiscover SCP domain-joined Outlook reads (R2)
# note: Exchange 2007: SMTP picks the certificate whose names match the connector's FQDN; certplan emits no TlsCertificateName step before Exchange 2013
# Set-ClientAccessServer -AutoDiscoverServiceInternalUri (Exchange 2007-2013; white paper "Modify the Service Connection Point Object"): https://learn.microsoft.com/powershell/module/exchange/set-clientaccessserver
Set-ClientAccessServer -Identity 'SERVER01' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'

# restart IIS so it serves the new binding
# iisreset /noforce, so IIS serves the newly bound certificate: https://learn.microsoft.com/iis/manage/working-with-web-sites/iisreset
iisreset 'SERVER01' /noforce

# remove the certificate this one replaced
# Remove-ExchangeCertificate, once nothing binds the replaced certificate (Services None; asks before each; Exchange 2007: on the server itself): https://learn.microsoft.com/powershell/module/exchange/remove-exchangecertificate
$replaced = Get-ExchangeCertificate | Where-Object { $_.Thumbprint -ne $thumb -and $_.Subject -eq $cert.Subject -and $_.Services -eq 'None' }
$replaced | Format-List Thumbprint, Subject, NotAfter, Services
$replaced | ForEach-Object { Remove-ExchangeCertificate -Thumbprint $_.Thumbprint -Confirm:$true }

# ---- Renewal (default-first-site-name) ----
# renew after 133 of 200 days (67-day margin, 33%); 5 issuances in the first year
# ACME with certplan's key: certbot sends default-first-site-name.csr:
#   # certbot certonly --csr (certplan's key stays where it is; certbot sends only the request): https://eff-certbot.readthedocs.io/en/stable/using.html#certbot-command-line-options
#   # http-01 must reach this machine for every name: --standalone answers on port 80 (forward /.well-known/acme-challenge/ to it), or use a DNS plugin.
#   certbot certonly --csr 'default-first-site-name.csr' --cert-path 'default-first-site-name.cer' --chain-path 'default-first-site-name.chain.pem' --fullchain-path 'default-first-site-name.fullchain.pem' --standalone --non-interactive --agree-tos
# ACME on the Exchange server: win-acme and its Exchange import script:
#   # win-acme with its Exchange import script, the planned names in order (the first is the CN): https://www.win-acme.com/manual/advanced-use/examples/exchange
#   .\wacs.exe --source manual --host 'mail.contoso.com,autodiscover.contoso.com' --commonname 'mail.contoso.com' --certificatestore My --acl-fullcontrol 'network service,administrators' --installation iis,script --installationsiteid 1 --script '.\Scripts\ImportExchange.v2.ps1' --scriptparameters '''{CertThumbprint}'' ''IIS,SMTP'' 1 ''{CacheFile}'' ''{CachePassword}'' ''{CertFriendlyName}'''
# ACME on the Exchange server: Posh-ACME:
#   # Posh-ACME New-PACertificate -Install (LocalMachine\My), then bind it; Exchange 2007's certificate cmdlets act on the local server only (no -Server): https://poshac.me/docs/latest/Functions/New-PACertificate/
#   $pa = New-PACertificate -Domain 'mail.contoso.com', 'autodiscover.contoso.com' -AcceptTOS -Install
#   Enable-ExchangeCertificate -Thumbprint $pa.Thumbprint -Services 'IIS,SMTP'
# renew from the installed certificate (new key, same names):
#   # Renew from the installed certificate (same names, a new key; Exchange 2007 and 2010 write the request with -Path, on the server itself): https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates
#   $thumb = Read-Host -Prompt 'Thumbprint of the certificate to renew (Get-ExchangeCertificate)'
#   Get-ExchangeCertificate -Thumbprint $thumb | New-ExchangeCertificate -GenerateRequest -Path 'C:\certplan\default-first-site-name-renewal.req'
