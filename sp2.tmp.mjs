import { resize } from './dist/src/image/resample.js';
const mk=(W,H,ch)=>{const d=new Uint8Array(W*H*ch); let s=1; for(let i=0;i<d.length;i++){s=(s*1103515245+12345)>>>0; d[i]=s>>>24;} return {data:d,width:W,height:H,channels:ch};};
const a=mk(600,450,3), b=mk(1024,1024,1);
for (const [img,name,s,f] of [[a,'RGB28',28,'bicubic'],[a,'RGB224',224,'bicubic'],[a,'RGB224box',224,'box'],[a,'RGB128',128,'bicubic'],[b,'L28',28,'bicubic']]) { for(let i=0;i<100;i++) resize(img,s,s,f);
 let best=0; for (let r=0;r<5;r++){ let t=performance.now(); const N=100; for(let i=0;i<N;i++) resize(img,s,s,f); best=Math.max(best,N/((performance.now()-t)/1000)); } console.log(name, best.toFixed(0)); }
