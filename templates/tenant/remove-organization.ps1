Remove-Organization -Identity {{ps:name}}
