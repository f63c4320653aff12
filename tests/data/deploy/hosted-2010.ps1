# certplan deploy: HostingCompany (Exchange 2010, hosted model), at 2027-01-15
# Run in the Exchange Management Shell, one section at a time; each step cites the page it follows.
$ErrorActionPreference = 'Stop'
# plan: R2 warning: ios-mail: tenant domains (3 domains): is UNVERIFIED to follow the HTTP redirect; users enter mail.provider.com by hand
# plan: R2 warning: android-eas: tenant domains (3 domains): is UNVERIFIED to follow the HTTP redirect; users enter mail.provider.com by hand

# ==== One-time set-up on EX01 (redirect web sites) ====

# the Default Web Site's 443 on the primary IP only
# note: so the redirect sites on the secondary IP never answer 443 with the provider's certificate
# Set-WebBinding: the Default Web Site's 443 on the primary IP only (white paper "Using Redirection", step 3): https://learn.microsoft.com/powershell/module/webadministration/set-webbinding
Import-Module WebAdministration
Set-WebBinding -Name 'Default Web Site' -BindingInformation '*:443:' -PropertyName IPAddress -Value '203.0.113.50'

# the autodiscover redirect site: http://autodiscover.<tenant domain>/ answers 302 to the provider
# note: run on EX01; `certplan tenant add` prints each tenant's host-header binding on this site
# Add-WindowsFeature: Windows Server 2008 R2's Server Manager cmdlet, an alias of Install-WindowsFeature from 2012: https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/ee662309(v=ws.10)
# -HostHeader: the site's own name, so the two redirect sites on one IP:80 do not collide (IIS starts only one of two sites with the same binding); tenants' names are added as bindings
# New-Website on the secondary IP, port 80, no certificate (seed 000 "HTTP Redirection Pools"; white paper "Using Redirection", step 5): https://learn.microsoft.com/powershell/module/webadministration/new-website
# httpRedirect answers 302 (Found) to the provider's name: https://learn.microsoft.com/iis/configuration/system.webserver/httpredirect/
Import-Module ServerManager
Add-WindowsFeature Web-Http-Redirect
Import-Module WebAdministration
New-Item -ItemType Directory -Force -Path 'C:\inetpub\AutodiscoverRedirect' | Out-Null
New-Website -Name 'AutodiscoverRedirect' -IPAddress '203.0.113.51' -Port 80 -HostHeader 'autodiscoverredirect.provider.com' -PhysicalPath 'C:\inetpub\AutodiscoverRedirect'
Set-WebConfiguration -PSPath 'IIS:\Sites\AutodiscoverRedirect' -Filter 'system.webServer/httpRedirect' -Value @{enabled = $true; destination = 'https://autodiscover.provider.com/autodiscover/autodiscover.xml'; exactDestination = $true; httpResponseStatus = 'Found'}

# the webmail redirect site: a tenant's vanity webmail host answers 302 to the provider's OWA
# note: run on EX01; `certplan tenant add` prints each tenant's host-header binding on this site
# Add-WindowsFeature: Windows Server 2008 R2's Server Manager cmdlet, an alias of Install-WindowsFeature from 2012: https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/ee662309(v=ws.10)
# -HostHeader: the site's own name, so the two redirect sites on one IP:80 do not collide (IIS starts only one of two sites with the same binding); tenants' names are added as bindings
# New-Website on the secondary IP, port 80, no certificate (seed 000 "HTTP Redirection Pools"; white paper "Using Redirection", step 5): https://learn.microsoft.com/powershell/module/webadministration/new-website
# httpRedirect answers 302 (Found) to the provider's name: https://learn.microsoft.com/iis/configuration/system.webserver/httpredirect/
Import-Module ServerManager
Add-WindowsFeature Web-Http-Redirect
Import-Module WebAdministration
New-Item -ItemType Directory -Force -Path 'C:\inetpub\WebmailRedirect' | Out-Null
New-Website -Name 'WebmailRedirect' -IPAddress '203.0.113.51' -Port 80 -HostHeader 'webmailredirect.provider.com' -PhysicalPath 'C:\inetpub\WebmailRedirect'
Set-WebConfiguration -PSPath 'IIS:\Sites\WebmailRedirect' -Filter 'system.webServer/httpRedirect' -Value @{enabled = $true; destination = 'https://mail.provider.com/owa'; exactDestination = $true; httpResponseStatus = 'Found'}

# ==== Certificate default: CN=mail.provider.com ====

# build default.pfx from certplan's default.key and the issued chain
# note: default.cer is the issued certificate and default.chain.pem its intermediates (PEM); default.pfx.pass holds the .pfx passphrase on its first line (make it with umask 077); copy default.pfx to C:\certplan on each server
# On the admin workstation (POSIX shell):
#   # openssl pkcs12 -export, the passphrase read from a file (never argv): https://docs.openssl.org/3.0/man1/openssl-pkcs12/
#   # SHA1-3DES protection: every Windows Server that runs Exchange reads it (Server 2016 and older cannot read AES-256 PKCS#12).
#   openssl pkcs12 -export -inkey 'default.key' -in 'default.cer' -certfile 'default.chain.pem' -name 'mail.provider.com' -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout 'file:default.pfx.pass' -out 'default.pfx'

# ---- On EX01 (site Default) ----

# import default.pfx (certificate, chain and key)
# note: default.pfx is built from certplan's default.key on the admin workstation (step above)
# Import-ExchangeCertificate -FileData -Password: https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate
$cert = Import-ExchangeCertificate -Server 'EX01' -FileData ([System.IO.File]::ReadAllBytes('C:\certplan\default.pfx')) -Password (Read-Host -Prompt 'Passphrase of default.pfx' -AsSecureString) -PrivateKeyExportable $true
$thumb = $cert.Thumbprint

# bind it to IIS,POP,IMAP,SMTP
# note: with SMTP, Enable-ExchangeCertificate asks whether to overwrite the default SMTP certificate (the self-signed one Exchange servers use for TLS among themselves): answer N to keep it; -Force would answer yes without asking
# Enable-ExchangeCertificate -Services (no -Force: with SMTP, answer N to keep the default internal transport certificate): https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate
Enable-ExchangeCertificate -Server 'EX01' -Thumbprint $thumb -Services 'IIS,POP,IMAP,SMTP'

# Outlook on the web (OWA) internal and external URL
# Set-OwaVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-owavirtualdirectory
Set-OwaVirtualDirectory -Identity 'EX01\owa (Default Web Site)' -InternalUrl 'https://mail.provider.com/owa' -ExternalUrl 'https://mail.provider.com/owa'

# the admin center and options (ECP) internal and external URL
# Set-EcpVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-ecpvirtualdirectory
Set-EcpVirtualDirectory -Identity 'EX01\ecp (Default Web Site)' -InternalUrl 'https://mail.provider.com/ecp' -ExternalUrl 'https://mail.provider.com/ecp'

# Exchange Web Services internal and external URL
# Set-WebServicesVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-webservicesvirtualdirectory
Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.provider.com/EWS/Exchange.asmx' -ExternalUrl 'https://mail.provider.com/EWS/Exchange.asmx'

# the offline address book internal and external URL
# Set-OabVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-oabvirtualdirectory
Set-OabVirtualDirectory -Identity 'EX01\OAB (Default Web Site)' -InternalUrl 'https://mail.provider.com/OAB' -ExternalUrl 'https://mail.provider.com/OAB'

# Exchange ActiveSync internal and external URL
# Set-ActiveSyncVirtualDirectory -InternalUrl -ExternalUrl: https://learn.microsoft.com/powershell/module/exchange/set-activesyncvirtualdirectory
Set-ActiveSyncVirtualDirectory -Identity 'EX01\Microsoft-Server-ActiveSync (Default Web Site)' -InternalUrl 'https://mail.provider.com/Microsoft-Server-ActiveSync' -ExternalUrl 'https://mail.provider.com/Microsoft-Server-ActiveSync'

# Outlook Anywhere (RPC over HTTP) on this server
# Enable-OutlookAnywhere (Exchange 2010, seed 000; on a server where it is already enabled use Set-OutlookAnywhere -ExternalHostname): https://learn.microsoft.com/powershell/module/exchange/enable-outlookanywhere
Enable-OutlookAnywhere -Server 'EX01' -ExternalHostname 'mail.provider.com' -DefaultAuthenticationMethod Basic -SSLOffloading $false

# the autodiscover SCP domain-joined Outlook reads (R2)
# Set-ClientAccessServer -AutoDiscoverServiceInternalUri (Exchange 2007-2013; white paper "Modify the Service Connection Point Object"): https://learn.microsoft.com/powershell/module/exchange/set-clientaccessserver
Set-ClientAccessServer -Identity 'EX01' -AutoDiscoverServiceInternalUri 'https://mail.provider.com/Autodiscover/Autodiscover.xml'

# the name POP3 presents over TLS
# Set-PopSettings -X509CertificateName, then restart the service (Exchange 2007 and 2010): https://learn.microsoft.com/powershell/module/exchange/set-popsettings
Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.provider.com'
Get-Service -ComputerName 'EX01' -Name MSExchangePOP3 | Restart-Service

# the name IMAP4 presents over TLS
# note: Exchange 2010: SMTP picks the certificate whose names match the connector's FQDN; certplan emits no TlsCertificateName step before Exchange 2013
# Set-ImapSettings -X509CertificateName, then restart the service (Exchange 2007 and 2010): https://learn.microsoft.com/powershell/module/exchange/set-imapsettings
Set-ImapSettings -Server 'EX01' -X509CertificateName 'mail.provider.com'
Get-Service -ComputerName 'EX01' -Name MSExchangeIMAP4 | Restart-Service

# restart IIS so it serves the new binding
# iisreset /noforce, so IIS serves the newly bound certificate: https://learn.microsoft.com/iis/manage/working-with-web-sites/iisreset
iisreset 'EX01' /noforce

# remove the certificate this one replaced
# Remove-ExchangeCertificate, once nothing binds the replaced certificate (Services None; asks before each): https://learn.microsoft.com/powershell/module/exchange/remove-exchangecertificate
$replaced = Get-ExchangeCertificate -Server 'EX01' | Where-Object { $_.Thumbprint -ne $thumb -and $_.Subject -eq $cert.Subject -and $_.Services -eq 'None' }
$replaced | Format-List Thumbprint, Subject, NotAfter, Services
$replaced | ForEach-Object { Remove-ExchangeCertificate -Server 'EX01' -Thumbprint $_.Thumbprint -Confirm:$true }

# the Outlook Anywhere principal name (R16)
# note: one EXPR provider per organization: Outlook checks this name against the certificate's CN
# Set-OutlookProvider EXPR -CertPrincipalName (R16): https://learn.microsoft.com/powershell/module/exchange/set-outlookprovider
Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.provider.com'

# ---- Renewal (default) ----
# renew after 133 of 200 days (67-day margin, 33%); 5 issuances in the first year
# ACME with certplan's key: certbot sends default.csr:
#   # certbot certonly --csr (certplan's key stays where it is; certbot sends only the request): https://eff-certbot.readthedocs.io/en/stable/using.html#certbot-command-line-options
#   # http-01 must reach this machine for every name: --standalone answers on port 80 (forward /.well-known/acme-challenge/ to it), or use a DNS plugin.
#   certbot certonly --csr 'default.csr' --cert-path 'default.cer' --chain-path 'default.chain.pem' --fullchain-path 'default.fullchain.pem' --standalone --non-interactive --agree-tos
# ACME on the Exchange server: win-acme and its Exchange import script:
#   # win-acme with its Exchange import script, the planned names in order (the first is the CN): https://www.win-acme.com/manual/advanced-use/examples/exchange
#   .\wacs.exe --source manual --host 'mail.provider.com,autodiscover.provider.com,ex01.provider.com' --commonname 'mail.provider.com' --certificatestore My --acl-fullcontrol 'network service,administrators' --installation iis,script --installationsiteid 1 --script '.\Scripts\ImportExchange.v2.ps1' --scriptparameters '''{CertThumbprint}'' ''IIS,POP,IMAP,SMTP'' 1 ''{CacheFile}'' ''{CachePassword}'' ''{CertFriendlyName}'''
# ACME on the Exchange server: Posh-ACME:
#   # Posh-ACME New-PACertificate -Install (LocalMachine\My), then bind it: https://poshac.me/docs/latest/Functions/New-PACertificate/
#   $pa = New-PACertificate -Domain 'mail.provider.com', 'autodiscover.provider.com', 'ex01.provider.com' -AcceptTOS -Install
#   Enable-ExchangeCertificate -Server 'EX01' -Thumbprint $pa.Thumbprint -Services 'IIS,POP,IMAP,SMTP'
# renew from the installed certificate (new key, same names):
#   # Renew from the installed certificate (same names, a new key; Exchange 2007 and 2010 write the request with -Path, on the server itself): https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates
#   $thumb = Read-Host -Prompt 'Thumbprint of the certificate to renew (Get-ExchangeCertificate)'
#   Get-ExchangeCertificate -Thumbprint $thumb | New-ExchangeCertificate -GenerateRequest -Path 'C:\certplan\default-renewal.req'
