#!/bin/sh
# Self-signed RSA certificates of three sizes, one of them odd (2047 bits), made by openssl so
# that certplan's reading of the key size (the modulus, not a built key) has a third-party
# oracle: the "Public-Key: (N bit)" line above each PEM. Run from this folder to remake them.
set -e
for bits in 1024 2047 3072; do
  openssl req -x509 -newkey "rsa:$bits" -nodes -keyout /dev/null -sha256 -days 1 \
    -subj "/CN=rsa$bits.example.com" -addext "subjectAltName=DNS:rsa$bits.example.com" -out "rsa$bits.tmp" 2>/dev/null
  openssl x509 -in "rsa$bits.tmp" -noout -text > "rsa$bits.pem"
  cat "rsa$bits.tmp" >> "rsa$bits.pem"
  rm "rsa$bits.tmp"
done
