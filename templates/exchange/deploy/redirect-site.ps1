# Add-WindowsFeature: Windows Server 2008 R2's Server Manager cmdlet, an alias of Install-WindowsFeature from 2012: https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/ee662309(v=ws.10)
# -HostHeader: the site's own name, so the two redirect sites on one IP:80 do not collide (IIS starts only one of two sites with the same binding); tenants' names are added as bindings
# New-Website on the secondary IP, port 80, no certificate (seed 000 "HTTP Redirection Pools"; white paper "Using Redirection", step 5): https://learn.microsoft.com/powershell/module/webadministration/new-website
# httpRedirect answers 302 (Found) to the provider's name: https://learn.microsoft.com/iis/configuration/system.webserver/httpredirect/
Import-Module ServerManager
Add-WindowsFeature Web-Http-Redirect
Import-Module WebAdministration
New-Item -ItemType Directory -Force -Path {{ps:path}} | Out-Null
New-Website -Name {{ps:site}} -IPAddress {{ps:ip}} -Port 80 -HostHeader {{ps:host}} -PhysicalPath {{ps:path}}
Set-WebConfiguration -PSPath {{ps:pspath}} -Filter 'system.webServer/httpRedirect' -Value @{enabled = $true; destination = {{ps:destination}}; exactDestination = $true; httpResponseStatus = 'Found'}
