# certbot certonly --csr (certplan's key stays where it is; certbot sends only the request): https://eff-certbot.readthedocs.io/en/stable/using.html#certbot-command-line-options
# http-01 must reach this machine for every name: --standalone answers on port 80 (forward /.well-known/acme-challenge/ to it), or use a DNS plugin.
certbot certonly --csr {{sh:csr}} --cert-path {{sh:cert}} --chain-path {{sh:chain}} --fullchain-path {{sh:fullchain}} --standalone --non-interactive --agree-tos
