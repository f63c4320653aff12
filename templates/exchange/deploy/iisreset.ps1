# iisreset /noforce, so IIS serves the newly bound certificate: https://learn.microsoft.com/iis/manage/working-with-web-sites/iisreset
iisreset {{ps:server}} /noforce
