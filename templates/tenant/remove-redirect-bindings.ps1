Remove-WebBinding -Name {{ps:site}} -IPAddress {{ps:ip}} -Port {{int:port}} -HostHeader {{ps:host}}
