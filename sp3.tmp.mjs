import { resizeMany } from './dist/src/image/resample.js';
const mk=(W,H,ch)=>{const d=new Uint8Array(W*H*ch); let s=1; for(let i=0;i<d.length;i++){s=(s*1103515245+12345)>>>0; d[i]=s>>>24;} return {data:d,width:W,height:H,channels:ch};};
const a=mk(600,450,3);
for (const sizes of [[28],[28,64,128,224]]) { const sz=sizes.map(s=>[s,s]); for(let i=0;i<100;i++) resizeMany(a,sz,'bicubic');
 let best=0; for (let r=0;r<5;r++){ let t=performance.now(); const N=100; for(let i=0;i<N;i++) resizeMany(a,sz,'bicubic'); best=Math.max(best,N/((performance.now()-t)/1000)); } console.log(sizes.join(','), best.toFixed(0), 'img/s', (1000/best).toFixed(2), 'ms'); }
