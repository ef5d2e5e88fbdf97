/** The markers chaifeng/ufw-docker uses: a block that its script wrote is replaced, not doubled. */
export const dockerUserMarkers = {
  markerBegin: '# BEGIN UFW AND DOCKER',
  markerEnd: '# END UFW AND DOCKER',
} as const;

const privateNetworks = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * Rules for the DOCKER-USER chain, in the manner of ufw-docker, for /etc/ufw/after.rules (IPv4). Docker
 * publishes ports through the FORWARD chain, which ufw's INPUT rules never see; DOCKER-USER is the chain
 * Docker leaves to the admin and consults first. Forwarded traffic goes through ufw's route rules, private
 * networks and DNS answers pass, and every other new connection to a container (on a private address) is
 * logged and dropped: a published port is reachable from outside only when a `route` rule allows it.
 */
export const dockerUserRules = [
  '*filter',
  ':ufw-user-forward - [0:0]',
  ':DOCKER-USER - [0:0]',
  ':bosun-docker-block - [0:0]',
  "# ufw's route rules decide first (ufw route allow proto tcp from any to any port 443).",
  '-A DOCKER-USER -j ufw-user-forward',
  '# Containers and private networks reach each other.',
  ...privateNetworks.map((network) => `-A DOCKER-USER -s ${network} -j RETURN`),
  "# Answers to the containers' DNS queries.",
  '-A DOCKER-USER -p udp --sport 53 --dport 1024:65535 -j RETURN',
  '# Any other new connection to a container is logged and dropped.',
  ...privateNetworks.map((network) => `-A DOCKER-USER -d ${network} -p tcp --syn -j bosun-docker-block`),
  ...privateNetworks.map(
    (network) => `-A DOCKER-USER -d ${network} -p udp --dport 0:32767 -j bosun-docker-block`,
  ),
  '-A DOCKER-USER -j RETURN',
  '-A bosun-docker-block -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "',
  '-A bosun-docker-block -j DROP',
  'COMMIT',
  '',
].join('\n');
