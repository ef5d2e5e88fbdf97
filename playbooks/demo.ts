import { apt, file, playbook, service, task } from '../lib/index.js';

/**
 * The demo of `npm run demo`: a web server in four tasks and a handler. Run it twice and the second run
 * changes nothing; edit the page text and only the page and the nginx reload change.
 */
export default playbook({
  name: 'demo: nginx serving a page',
  plays: [
    {
      name: 'web server',
      hosts: 'all',
      tasks: ({ host, facts }) => [
        task(
          'message of the day',
          file({
            path: '/etc/motd',
            content: `${host.name} runs ${facts.os.prettyName}; it is managed by Bosun, edits here are overwritten.\n`,
            mode: '0644',
          }),
        ),
        task('install nginx', apt({ packages: ['nginx-light'], state: 'present' })),
        task('nginx runs now and at boot', service({ name: 'nginx', state: 'started', enabled: true })),
        task(
          'index page',
          file({
            path: '/var/www/html/index.html',
            content: `<!doctype html>\n<title>${host.name}</title>\n<h1>Hello from ${host.name}</h1>\n<p>${String(host.vars.demo_message ?? 'Deployed by Bosun.')}</p>\n`,
            mode: '0644',
          }),
          { notify: ['reload nginx'] },
        ),
      ],
      handlers: () => ({ 'reload nginx': service({ name: 'nginx', state: 'reloaded' }) }),
    },
  ],
});
