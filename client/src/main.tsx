import { render } from 'solid-js/web';
import { AppRoutes } from './routes';
import { Announcer } from './ui/announcer';
import './styles.css';

render(
  () => (
    <>
      <AppRoutes />
      <Announcer />
    </>
  ),
  document.getElementById('root')!,
);
