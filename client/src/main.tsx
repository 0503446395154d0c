import { render } from 'solid-js/web';
import { AppRoutes } from './routes';
import './styles.css';

render(() => <AppRoutes />, document.getElementById('root')!);
