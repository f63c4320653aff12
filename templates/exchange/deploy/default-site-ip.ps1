# Set-WebBinding: the Default Web Site's 443 on the primary IP only (white paper "Using Redirection", step 3): https://learn.microsoft.com/powershell/module/webadministration/set-webbinding
Import-Module WebAdministration
Set-WebBinding -Name 'Default Web Site' -BindingInformation '*:443:' -PropertyName IPAddress -Value {{ps:ip}}
