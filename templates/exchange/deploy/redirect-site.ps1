# New-Website on the secondary IP, port 80, no certificate (seed 000 "HTTP Redirection Pools"; white paper "Using Redirection", step 5): https://learn.microsoft.com/powershell/module/webadministration/new-website
# httpRedirect answers 302 (Found) to the provider's name: https://learn.microsoft.com/iis/configuration/system.webserver/httpredirect/
Install-WindowsFeature Web-Http-Redirect
Import-Module WebAdministration
New-Item -ItemType Directory -Force -Path {{ps:path}} | Out-Null
New-Website -Name {{ps:site}} -IPAddress {{ps:ip}} -Port 80 -PhysicalPath {{ps:path}}
Set-WebConfiguration -PSPath {{ps:pspath}} -Filter 'system.webServer/httpRedirect' -Value @{enabled = $true; destination = {{ps:destination}}; exactDestination = $true; httpResponseStatus = 'Found'}
