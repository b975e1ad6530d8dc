export default {
  connect: () => {
    throw new Error('k6/ws is not available in the static check');
  },
};
