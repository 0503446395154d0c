export { DomainsPage as default } from './records-page';
