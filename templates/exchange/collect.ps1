# certplan collect: run in the Exchange Management Shell on each Exchange server, as an admin.
# It writes this server's own view of its certificates, bindings and URLs into one folder,
# which `certplan audit TOPOLOGY --server-export FOLDER` (and `expiry --server-export`) read.
# Nothing is changed on the server: every command is a Get-*. Private keys are not exported.
#   Export-Clixml: https://learn.microsoft.com/powershell/module/microsoft.powershell.utility/export-clixml
$ErrorActionPreference = 'Stop'
$server = $env:COMPUTERNAME
$dir = Join-Path {{ps:dir}} $server
New-Item -ItemType Directory -Force -Path $dir | Out-Null

# Each export is made only where this Exchange version has the cmdlet (Get-AuthConfig from
# 2013, Get-EcpVirtualDirectory from 2010, Get-MapiVirtualDirectory from 2013 SP1), and the
# virtual directories are read from Active Directory only where -ADPropertiesOnly exists
# (2010 and later: no IIS metabase query).
function Export-State([string]$Cmdlet, [string]$File, [hashtable]$Params = @{ }) {
  $command = Get-Command $Cmdlet -ErrorAction SilentlyContinue
  if (-not $command) {
    Write-Host "certplan: $Cmdlet is not in this Exchange version; skipped"
    return
  }
  if ($Cmdlet -like '*VirtualDirectory' -and $command.Parameters.ContainsKey('ADPropertiesOnly')) {
    $Params['ADPropertiesOnly'] = $true
  }
  & $Cmdlet @Params | Export-Clixml (Join-Path $dir $File)
}

# Certificates with RawData, Services and Status:
#   https://learn.microsoft.com/powershell/module/exchange/get-exchangecertificate
Export-State 'Get-ExchangeCertificate' 'GetExchangeCertificate.xml' @{ Server = $server }
# The Auth certificate, current and next (R11):
#   https://learn.microsoft.com/powershell/module/exchange/get-authconfig
Export-State 'Get-AuthConfig' 'GetAuthConfig.xml'
# The server, its version and roles; the accepted domains:
#   https://learn.microsoft.com/powershell/module/exchange/get-exchangeserver
#   https://learn.microsoft.com/powershell/module/exchange/get-accepteddomain
Export-State 'Get-ExchangeServer' 'GetExchangeServer.xml' @{ Identity = $server }
Export-State 'Get-AcceptedDomain' 'GetAcceptedDomain.xml'
# The virtual directories' InternalUrl and ExternalUrl:
#   https://learn.microsoft.com/powershell/module/exchange/get-owavirtualdirectory (and Ecp, WebServices, Oab, ActiveSync, Mapi)
foreach ($kind in 'Owa', 'Ecp', 'WebServices', 'Oab', 'ActiveSync', 'Mapi') {
  Export-State ('Get-' + $kind + 'VirtualDirectory') ('Get' + $kind + 'VirtualDirectory.xml') @{ Server = $server }
}
# The SMTP connectors' TlsCertificateName:
#   https://learn.microsoft.com/powershell/module/exchange/get-receiveconnector
#   https://learn.microsoft.com/powershell/module/exchange/get-sendconnector
Export-State 'Get-ReceiveConnector' 'GetReceiveConnector.xml' @{ Server = $server }
Export-State 'Get-SendConnector' 'GetSendConnector.xml'

# Which certificate each IIS binding serves (certificateHash, the site in ItemXPath):
#   https://learn.microsoft.com/powershell/module/webadministration/get-webbinding
Import-Module WebAdministration
Get-WebBinding | Export-Clixml (Join-Path $dir 'GetWebBinding.xml')
Get-Website | Export-Clixml (Join-Path $dir 'GetWebSite.xml')

Write-Host "certplan: exports of $server written to $dir; copy the folder and run: certplan audit TOPOLOGY --server-export $server"
