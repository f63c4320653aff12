# openssl pkcs12 -export, the passphrase read from a file (never argv; the key's own passphrase too): https://docs.openssl.org/3.0/man1/openssl-pkcs12/
# SHA1-3DES protection: every Windows Server that runs Exchange reads it (Server 2016 and older cannot read AES-256 PKCS#12).
openssl pkcs12 -export -inkey {{sh:key}} -passin {{sh:passin}} -in {{sh:cert}} -certfile {{sh:chain}} -name {{sh:name}} -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout {{sh:passout}} -out {{sh:pfx}}
