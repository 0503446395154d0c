export { CertificatesPage as default } from './records-page';
