import { render } from 'preact';
import { boot } from './app';
import { App } from './ui/App';
import './styles.css';

render(<App />, document.getElementById('app')!);
performance.mark('app-rendered');
void boot();
