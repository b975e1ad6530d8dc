const notInK6 = () => {
  throw new Error('k6/http is not available in the static check');
};
export default { post: notInK6, get: notInK6 };
